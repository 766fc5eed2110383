"""A course on a JupyterHub, as nbgrader's multi-user docs describe it (`dlnlp hub setup`).

plan.py         who and where: the course, its people, the hub's folder, ports
accounts.py     Unix side: the course's service user and group, private homes
kit_access.py   the kit's hidden parts readable by the graders' group only (an allowlist)
exchange.py     the shared exchange, and the course's folder in it made before anyone else
course_folder.py  the nbgrader course in the service user's home, dlnlp as its engine
hub_config.py   jupyterhub_config.py and the Jupyter settings every person's server gets
setup.py        the steps above in order
"""
