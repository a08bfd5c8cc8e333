"""Quality inspection (质检): forms, sampling, inspector workflow, rechecks and calibration."""
