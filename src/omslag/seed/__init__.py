"""Seeds for scale: `omslag seed --scale national` fills an empty database with a whole
invented Dutch public sector (docs/seed.md). Loaded in bulk (COPY on PostgreSQL), not through
the services one record at a time, so it is the one writer of other apps' tables besides
their services; it leaves history and stored figures as the services would."""
