"""Start the test IdP: ``python -m tests.oidc_idp.serve --port P --client JSON --people FILE --db FILE``.

Migrates its SQLite file, makes an RSA signing key and the portal's client (id, secret, redirect URIs from
--client), then serves on 127.0.0.1:P (werkzeug, threaded) until killed.
"""
import argparse
import json
import os
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--client", required=True, help='{"id", "secret", "redirect_uris", "jwt_alg"}')
    parser.add_argument("--people", required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    os.environ.update({"DJANGO_SETTINGS_MODULE": "tests.oidc_idp.settings", "IDP_DB": args.db,
                       "IDP_PEOPLE": args.people, "IDP_URL": f"http://127.0.0.1:{args.port}"})
    import django

    django.setup()
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    if not __import__("oidc_provider.models", fromlist=["RSAKey"]).RSAKey.objects.exists():
        call_command("creatersakey", verbosity=0)
    spec = json.loads(args.client)
    client, _created = Client.objects.update_or_create(
        client_id=spec["id"],
        defaults={"name": "Ocean Portal (tests)", "client_type": "confidential", "client_secret": spec["secret"],
                  "jwt_alg": spec.get("jwt_alg", "RS256"), "require_consent": True, "reuse_consent": False},
    )
    client.redirect_uris = spec["redirect_uris"]
    client.post_logout_redirect_uris = spec.get("post_logout_redirect_uris", [])
    client.save()
    client.response_types.set([ResponseType.objects.get(value="code")])

    from django.core.wsgi import get_wsgi_application
    from werkzeug.serving import run_simple

    print(f"test IdP on http://127.0.0.1:{args.port}", flush=True)
    run_simple("127.0.0.1", args.port, get_wsgi_application(), threaded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
