"""The untrusted side of grading.

`zygote` is a warm parent (torch imported, no secrets loaded) that forks one `worker` per
submission; `layers` isolates the worker; `codec` is the only format values cross in;
`client` is the trusted side's handle on a worker.
"""
