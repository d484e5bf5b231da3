"""The dashboard pages: each a module with a layout and its callbacks, none importing another."""
