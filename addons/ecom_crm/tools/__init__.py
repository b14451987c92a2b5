"""Plain-Python helpers of ecom_crm (no ORM): tested without a database."""
