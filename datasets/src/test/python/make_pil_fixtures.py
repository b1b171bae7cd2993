#!/usr/bin/python3
"""Writes PIL reference images for TransformParityTest (the authors' pipeline resizes and blurs with PIL).

Run from the repository root:  /usr/bin/python3 datasets/src/test/python/make_pil_fixtures.py
"""
import os
from PIL import Image, ImageFilter

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "iern", "data", "pil")
os.makedirs(OUT, exist_ok=True)

# A deterministic, detailed source: gradients plus a hard-edged checker so resampling errors show.
w, h = 37, 29
src = Image.new("RGB", (w, h))
px = src.load()
for y in range(h):
    for x in range(w):
        checker = 200 if ((x // 4) + (y // 3)) % 2 else 30
        px[x, y] = ((7 * x + 3 * y) % 256, checker, (x * y) % 256)
src.save(os.path.join(OUT, "source.png"))
src.resize((20, 20), Image.BICUBIC).save(os.path.join(OUT, "bicubic_20.png"))
src.resize((45, 45), Image.BICUBIC).save(os.path.join(OUT, "bicubic_45.png"))
src.resize((37, 11), Image.BICUBIC).save(os.path.join(OUT, "bicubic_37x11.png"))
src.filter(ImageFilter.GaussianBlur(radius=1.0)).save(os.path.join(OUT, "blur_1.0.png"))
print("wrote fixtures to", os.path.normpath(OUT))
