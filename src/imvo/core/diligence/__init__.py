"""Company due diligence: risk priority and ranking, red flags, assessment scoring, the
reference risk check and the XLSX template of the risk analysis and action plan."""
