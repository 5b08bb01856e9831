"""What a secret looks like and how it may appear in output: pure functions over text, no file reading."""
