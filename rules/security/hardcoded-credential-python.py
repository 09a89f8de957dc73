import os

# ruleid: security-hardcoded-credential-python
API_TOKEN = "ghp_4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e"
# ruleid: security-hardcoded-credential-python
db_password = "hunter2!"


class Client:
    def __init__(self):
        # ruleid: security-hardcoded-credential-python
        self.client_secret = "s3cr3t-v4lue-2024"


def connect(driver):
    # ruleid: security-hardcoded-credential-python
    return driver.connect(host="db", user="svc", password="Pa55w0rd!")


# ruleid: security-hardcoded-credential-python
SETTINGS = {"api_key": "AKIAIOSFODNN7EXAMPLEKEY"}


# ruleid: security-hardcoded-credential-python
def login(user, password="letmein123"):
    pass


# ok: security-hardcoded-credential-python
API_TOKEN_ENV = "API_TOKEN"
# ok: security-hardcoded-credential-python
api_token = os.environ["API_TOKEN"]
# ok: security-hardcoded-credential-python
password = os.getenv("DB_PASSWORD", "")
# ok: security-hardcoded-credential-python
password = ""
# ok: security-hardcoded-credential-python
secret_key = "changeme"
# ok: security-hardcoded-credential-python
api_key = "<your-api-key>"
# ok: security-hardcoded-credential-python
token = "${API_TOKEN}"
# ok: security-hardcoded-credential-python
auth_token = "AUTH_TOKEN"
# ok: security-hardcoded-credential-python
token_header = "X-Auth-Token"
# ok: security-hardcoded-credential-python
password = "********"
# ok: security-hardcoded-credential-python
grant = dict(grant_type="client_credentials", token="")
# ok: security-hardcoded-credential-python
token_type = "Bearer"
