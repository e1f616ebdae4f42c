"""Publication of the open list of production locations: which rows a release holds, what the
disclosure rules let it say about companies, its files' descriptor, the Transparency Pledge
workers bands and the coordinates of its facilities."""
