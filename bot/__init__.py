"""Tawasul: composition root, channels, i18n and text handling."""
