from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "linli.projects"
    verbose_name = "社区规划项目"
