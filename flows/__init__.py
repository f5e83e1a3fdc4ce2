"""The complaint conversation: pure, synchronous, channel- and database-agnostic."""
