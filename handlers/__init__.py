"""Channel-agnostic conversation flows: an inbound event goes in, replies come out."""
