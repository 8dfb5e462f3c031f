"""The benchmark (``make bench``): its runner, the framework floor it measures against, and the programme-scale
data it seeds. Never part of a request in production."""
