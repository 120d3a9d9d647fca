# Copy to instance/config.py and adjust. Environment variables override these values
# (MEDARBETARDIALOG_<NAME>, plus DATABASE_URL and SECRET_KEY without the prefix).
# SECRET_KEY = "..."   # python -c 'import secrets; print(secrets.token_hex(32))'
# DATABASE_URL = "postgresql://medarbetardialog:secret@localhost/medarbetardialog"
# MIN_GROUP_SIZE = 5
# MIN_GROUP_SIZE_FREE_TEXT = 10
# SESSION_COOKIE_SECURE = True   # behind HTTPS
