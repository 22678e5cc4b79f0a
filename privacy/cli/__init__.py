"""The `manage.py ocean …` command line: one function per subcommand, JSON-able results.

`privacy/management/commands/ocean.py` builds the argparse tree and prints; the modules here do the
work against ``privacy.services.ocean.ocean_client`` (the shared token store and rate limiter), so a
script talks to Ocean exactly like the web and the workers do.
"""
