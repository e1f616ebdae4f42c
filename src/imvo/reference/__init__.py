"""The shipped reference data: YAML files describing the real covenant landscape, each record
with its source. Read and validated by `imvo.core.reference`; see README.md for the fields."""
