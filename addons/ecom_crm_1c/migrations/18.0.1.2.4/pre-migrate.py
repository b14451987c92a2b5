"""18.0.1.2.4: a 1C session knows the file its last stored request appended to (``last_file``): 1C
sends a file's parts one after another, so a file another request came between is whole, and 1C
sending it again starts it anew (an image of exactly n × file_limit bytes was appended to). The
column is made here, empty and without a default (instant): a session upgraded mid-exchange takes
the next request of a file stored before for the file sent again, as a new exchange would."""


def migrate(cr, version):
    if not version:
        return
    cr.execute('ALTER TABLE "ecom_1c_session" ADD COLUMN IF NOT EXISTS "last_file" varchar')
