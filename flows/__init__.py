"""The questionnaire engine: forms, ``when`` expressions, answer values, the walk.

Pure Python: nothing here imports Telegram or SQL.
"""
