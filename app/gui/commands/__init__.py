"""What the window's commands do: ask what they need, run an operation in the background, say what it did."""
