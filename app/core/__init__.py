"""Pure-Python core: case model, hashing, custody log and errors. Never imports Qt."""
