"""The Telegram adapter: handlers, keyboards, messages and the Application."""
