"""Pure knowledge that the flows and the command line share: Arabic text, contact
details, free-text checks, collectivity labels and search, the settings' value types.

Nothing here does I/O or imports another package of the project.
"""
