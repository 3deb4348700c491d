"""The words every layer shares, and nothing else: tidtam's core.

Vocabulary (roles, submission states and their allowed transitions, certification
rules), periods and Thai dates and digits, invite codes, the unit tree and the units
file. It imports nothing of tidtam's other packages, so every one of them may import
it (docs/design.md §9).
"""
