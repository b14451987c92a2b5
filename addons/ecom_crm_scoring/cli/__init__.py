from . import backtest
