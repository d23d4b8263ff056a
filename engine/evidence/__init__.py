"""Evidence: the hash chain, checkpoints and the auditors' read log."""
