"""Court profiles: page, type, caption, exhibit and Bates conventions per court."""
