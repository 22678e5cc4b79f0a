"""Océan telematics REST API simulator (standalone Flask app, no Django imports).

Entry points: :func:`ocean_sim.app.create_app` and :class:`ocean_sim.testing.SimServer`.
See ``ocean_sim/README.md`` for every endpoint and the semantics chosen where the vendor docs are silent.
"""
