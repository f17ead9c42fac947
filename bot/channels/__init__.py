"""Channel adapters: thin translators between a platform and the conversation core."""
