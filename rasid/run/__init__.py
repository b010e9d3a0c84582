"""Running the pipeline: the stages in order, where they execute, and the run report."""
