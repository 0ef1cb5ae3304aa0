"""Business policy settings: stored in the ``platform_setting`` table, read with typed accessors.

Each setting is declared once (``define``) with its type and default; reading an undeclared key
is a programming error, writing a value of the wrong type is a user error
(``MT-SETTING-INVALID``). Deployment knobs are not here: see ``medtrace.settings``.
"""

from medtrace.platform.policy.service import (
    COMPANY_NAME_EN,
    COMPANY_NAME_ZH,
    DEMO_LOADED_AT,
    InvalidSetting,
    SettingDef,
    define,
    get_setting,
    list_settings,
    set_setting,
)

__all__ = [
    "COMPANY_NAME_EN",
    "COMPANY_NAME_ZH",
    "DEMO_LOADED_AT",
    "InvalidSetting",
    "SettingDef",
    "define",
    "get_setting",
    "list_settings",
    "set_setting",
]
