"""Development: the embedded database, console e-mail, the sandbox signer."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SANDBOX_SIGNER_ENABLED = env.bool("SANDBOX_SIGNER_ENABLED", default=True)
from .base import database_config

DATABASES = {"default": database_config()}
