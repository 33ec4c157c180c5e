# JupyterHub configuration of the course's TEST hub (tools/hub.py starts it; tests/test_hub.py and
# `make loadtest` use it). FOR TESTS ON ONE MACHINE ONLY:
#
# - it binds to 127.0.0.1 only, and every port comes from tools/hub.py;
# - jupyterhub.auth.DummyAuthenticator lets any user name in with one shared password, drawn at
#   random by tools/hub.py for each run (FL_HUB_PASSWORD; never written to a file of the
#   repository). JupyterHub documents it as "for testing": never use it for a class;
# - jupyterhub.spawner.SimpleLocalProcessSpawner runs every user's server as the hub's own system
#   user, in a home folder of its own under FL_HUB_DIR. JupyterHub documents it as "for testing":
#   users are not isolated from each other.
#
# A class uses a real authenticator (your institution's OAuth/OIDC, LTI from the learning
# platform, or GitHub) and a spawner that isolates users (KubeSpawner on Kubernetes:
# deploy/z2jh/config.yaml; SystemdSpawner or DockerSpawner on one server). The single-user server
# is this repository's environment (the course venv), as in the class image repo2docker builds
# from requirements.txt. nbgitpuller is a server extension of that environment.
import os

c = get_config()  # noqa: F821 -- provided by JupyterHub when it loads this file

env = os.environ
state = env["FL_HUB_DIR"]
venv_bin = env["FL_HUB_VENV_BIN"]

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(env["FL_HUB_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env["FL_HUB_HUB_PORT"])
c.JupyterHub.db_url = f"sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{state}/jupyterhub_cookie_secret"  # made at start, per run
c.JupyterHub.pid_file = f"{state}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user's server
c.JupyterHub.concurrent_spawn_limit = 0  # the load test starts the whole class at once
c.JupyterHub.last_activity_interval = 60

c.JupyterHub.proxy_class = "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [env["FL_HUB_PROXY"]]  # npm ci from deploy/hub/package-lock.json
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['FL_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.pid_file = f"{state}/proxy.pid"
c.ConfigurableHTTPProxy.should_start = True

c.JupyterHub.authenticator_class = "dummy"  # test only (see above)
c.DummyAuthenticator.password = env["FL_HUB_PASSWORD"]
c.Authenticator.allow_all = True

c.JupyterHub.spawner_class = "simple"  # test only (see above)
c.SimpleLocalProcessSpawner.home_dir_template = f"{state}/home/{{username}}"
c.Spawner.cmd = [f"{venv_bin}/jupyterhub-singleuser"]
c.Spawner.args = [
    # offline and quiet, as `make lab`: no news feed, update check or PyPI extension manager
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
] + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    "FAILURELAB_HUB_RUN": env["FAILURELAB_HUB_RUN"],  # marks every process of this run (cleanup)
    "PATH": f"{venv_bin}:{env.get('PATH', '/usr/bin:/bin')}",
    "JUPYTER_PLATFORM_DIRS": "1",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}


def quiet_lab(spawner):
    """No "get notified about Jupyter news?" toast (as tests/test_lab.py): a user setting."""
    folder = os.path.join(spawner.home_dir, ".jupyter", "lab", "user-settings", "@jupyterlab",
                          "apputils-extension")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "notification.jupyterlab-settings"), "w") as f:
        f.write('{"fetchNews": "false", "checkForUpdates": false}')


c.Spawner.pre_spawn_hook = quiet_lab
# A loaded 2-core machine starting a whole class at once: generous, not infinite.
c.Spawner.start_timeout = int(env.get("FL_HUB_START_TIMEOUT", "600"))
c.Spawner.http_timeout = int(env.get("FL_HUB_START_TIMEOUT", "600"))
c.JupyterHub.log_level = "INFO"
