"""Use cases: plain inputs, one transaction, a plain result; no Telegram anywhere here."""
