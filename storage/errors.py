"""The storage exception tree.

StorageError
├── NotFound            a unit, form, round or invite named by the caller does not exist
└── Conflict            the change would break a rule the data keeps (e.g. a used invite)
"""


class StorageError(Exception):
    """Base of every error raised by storage/."""


class NotFound(StorageError):
    """Something named by the caller does not exist."""


class Conflict(StorageError):
    """The change would break a rule the data keeps."""
