"""Errors a user can cause: they carry one clear line, never a traceback."""


class ConfigError(ValueError):
    """A scenario, parameter or argument that is not allowed.

    The message names the field, the value given and what is allowed, so the CLI and the
    dashboard can show it as one line.
    """

    def __init__(self, field: str, value: object, allowed: str):
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: {value!r} is not allowed; {allowed}")
