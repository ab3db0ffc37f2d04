"""Development: the embedded database, console e-mail, the sandbox signer."""

from portal.settings.base import *  # noqa: F403
from portal.settings.base import database_config, env

DEBUG = env.bool("DEBUG", default=True)
SANDBOX_SIGNER_ENABLED = env.bool("SANDBOX_SIGNER_ENABLED", default=True)
# The demo operator signs in with the password alone unless they have set up a TOTP device.
OPERATOR_REQUIRE_OTP = env.bool("OPERATOR_REQUIRE_OTP", default=False)

DATABASES = {"default": database_config()}
