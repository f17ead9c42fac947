"""Delivery: the outbox rows leave through one sender per channel, under one rate budget."""
