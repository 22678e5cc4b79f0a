"""Business logic called by views, tasks and commands (HackSoft style: ``<entity>_<action>``)."""
