"""The Google Cloud CLI and its bundled Python google-auth for the e2e tests (issue 24): where they
are, why they cannot run (a skip reason: gcloud comes from Google's apt repository, not Debian's,
so another machine may not have it), and the environment one run gets: a private CLOUDSDK_CONFIG
per test, no prompts, no update check, no usage reporting. Not a test file."""

import os
import shutil
import subprocess

SDK_ROOT = "/usr/lib/google-cloud-sdk"
# google-auth 2.39, requests, urllib3 as gcloud bundles them
THIRD_PARTY = os.path.join(SDK_ROOT, "lib", "third_party")


def gcloud_path():
    return shutil.which("gcloud") or (os.path.join(SDK_ROOT, "bin", "gcloud")
                                      if os.access(os.path.join(SDK_ROOT, "bin", "gcloud"), os.X_OK)
                                      else None)


def gcloud_problem():
    """Why gcloud cannot run here (the skip reason), or None."""
    if gcloud_path() is None:
        return ("gcloud is not installed (the google-cloud-cli package from "
                "packages.cloud.google.com): the gcloud tests need it")
    return None


def google_auth_problem():
    """Why gcloud's bundled google-auth cannot be imported, or None."""
    if not os.path.isfile(os.path.join(THIRD_PARTY, "google", "auth", "version.py")):
        return "google-auth is not in %s (it comes with gcloud)" % THIRD_PARTY
    return None


def gcloud_env(env, config_dir, extra=None):
    """`env` for one gcloud run whose whole configuration lives in config_dir (created 0700)."""
    os.makedirs(config_dir, mode=0o700, exist_ok=True)
    out = dict(env)
    out.update({
        "CLOUDSDK_CONFIG": config_dir,
        "CLOUDSDK_CORE_DISABLE_PROMPTS": "1",
        "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK": "1",
        "CLOUDSDK_CORE_DISABLE_USAGE_REPORTING": "true",
        "CLOUDSDK_SURVEY_DISABLE_PROMPTS": "1",
    })
    for key, value in (extra or {}).items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def python_env(env, extra=None):
    """`env` for a python3 that imports gcloud's google-auth (and requests) first."""
    out = dict(env, PYTHONPATH=THIRD_PARTY, PYTHONNOUSERSITE="1")
    out.update(extra or {})
    return out

