"""Matching supplier-list rows to registry facilities (DuckDB and Splink, or Spark).

See `engine` for the passes a row goes through, `model` for the probabilistic model and
`records` for the records and keys it reads.
"""

from imvo.core.matching.engine import (
    Candidate,
    Decisions,
    DuplicatePair,
    Evidence,
    Outcome,
    Thresholds,
    cluster_new,
    deduplicate,
    match_records,
)
from imvo.core.matching.model import MatchModel, default_model
from imvo.core.matching.records import FacilityRecord, record_key, registry_table

__all__ = [
    "Candidate",
    "Decisions",
    "DuplicatePair",
    "Evidence",
    "FacilityRecord",
    "MatchModel",
    "Outcome",
    "Thresholds",
    "cluster_new",
    "deduplicate",
    "default_model",
    "match_records",
    "record_key",
    "registry_table",
]
