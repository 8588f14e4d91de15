"""Side-by-side benchmarks: every figure is compared with a floor measured in the same run."""
