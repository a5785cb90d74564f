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
