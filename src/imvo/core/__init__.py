"""Domain computations in plain Python: values in, values out. No Django here."""
