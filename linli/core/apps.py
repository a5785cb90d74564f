from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "linli.core"
    verbose_name = "基础"

    def ready(self):
        # Every image Pillow opens anywhere (Django's ImageField included, e.g. micro-space
        # photos and site plans) refuses decompression bombs: over 2 × this many pixels
        # raises DecompressionBombError. The upload helpers refuse above 24 MP themselves.
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = 24_000_000

        # Every string an API operation reads has a server-side length limit, also where a
        # schema field names none: pydantic refuses longer text (422, "文字过长" through
        # linli.api's handler) before any service runs. Fields with their own, tighter
        # Field(max_length=…) keep it; the per-field limits of the models still apply in the
        # services. Set here, before any API module defines a schema.
        from ninja import Schema
        from ninja.params.models import ParamModel

        Schema.model_config["str_max_length"] = API_TEXT_MAX
        # query, path, form and body parameters: ninja builds each operation's parameter
        # model from these bases when the API module is imported (after this)
        for base in (ParamModel, *ParamModel.__subclasses__()):
            base.model_config = {**base.model_config, "str_max_length": API_TEXT_MAX}


# The longest text any linli model keeps is 20,000 characters (meeting minutes, conventions
# stay below it); tests/core/test_length_limits.py checks that no model field exceeds it.
API_TEXT_MAX = 20_000
