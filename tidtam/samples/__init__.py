"""The sample province and form shipped for demos, tests and the README walkthrough."""
