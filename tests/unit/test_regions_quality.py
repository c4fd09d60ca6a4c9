import cv2
import numpy as np

from diagnostics.vision import quality
from diagnostics.vision.regions import box_quad, map_box, order_quad, propose_regions, rectify


def _scene(angle_shift=30):
    img = np.full((1200, 1600, 3), 200, np.uint8)
    panel = np.full((160, 360, 3), (150, 170, 140), np.uint8)
    for i, x in enumerate((30, 140, 250)):  # three fake digits of strokes
        cv2.rectangle(panel, (x, 30), (x + 12, 130), (30, 30, 30), -1)
        cv2.rectangle(panel, (x + 40, 30), (x + 52, 130), (30, 30, 30), -1)
        cv2.rectangle(panel, (x, 30), (x + 52, 42), (30, 30, 30), -1)
    src = np.float32([[0, 0], [360, 0], [360, 160], [0, 160]])
    dst = np.float32([[700, 500], [1010, 500 + angle_shift], [1000, 690], [690, 650]])
    m = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(panel, m, (1600, 1200))
    mask = cv2.warpPerspective(np.full((160, 360), 255, np.uint8), m, (1600, 1200))
    img[mask > 0] = warped[mask > 0]
    return img, dst


def test_order_quad_is_clockwise_from_top_left():
    q = order_quad(np.array([[10, 50], [100, 0], [0, 0], [100, 50]]))
    assert q.tolist() == [[0, 0], [100, 0], [100, 50], [10, 50]]


def test_display_panel_is_proposed_and_rectified():
    img, dst = _scene()
    regions = propose_regions(img, 1.0)
    assert regions, "no region proposed"
    x0, y0 = dst.min(axis=0)
    x1, y1 = dst.max(axis=0)
    hit = [r for r in regions if r.bbox[0] <= x0 + 40 and r.bbox[1] <= y0 + 40 and
           r.bbox[0] + r.bbox[2] >= x1 - 40 and r.bbox[1] + r.bbox[3] >= y1 - 40]
    assert hit, [r.bbox for r in regions]
    crop, inv = rectify(img, hit[0].quad)
    assert crop.shape[1] > crop.shape[0]  # upright, wider than tall
    back = map_box((0, 0, crop.shape[1], crop.shape[0]), inv, img.shape[:2])
    assert abs(back[0] - hit[0].bbox[0]) < 60


def test_rectify_then_map_box_round_trip():
    img = np.zeros((400, 600, 3), np.uint8)
    crop, inv = rectify(img, box_quad(100, 100, 200, 50), pad=0.0)
    assert crop.shape[:2] == (50, 200)
    assert map_box((0, 0, 200, 50), inv, img.shape[:2]) == (100, 100, 200, 50)


def test_quality_flags_blur_glare_and_exposure():
    rng = np.random.default_rng(0)
    sharp = (rng.random((300, 400)) > 0.5).astype(np.uint8) * 200 + 20
    sharp = np.dstack([sharp] * 3).astype(np.uint8)
    ok = quality.assess(sharp, text_height_px=60)
    assert "blur" not in ok.issues
    blurred = cv2.GaussianBlur(sharp, (0, 0), 12)
    assert "blur" in quality.assess(blurred, text_height_px=60).issues
    glare = sharp.copy()
    glare[:120] = 255
    rep = quality.assess(glare, text_height_px=60)
    assert "glare" in rep.issues and "flash" in rep.retake_hint
    dark = (sharp // 8).astype(np.uint8)
    assert "underexposed" in quality.assess(dark).issues
    assert "too_small" in quality.assess(sharp, text_height_px=8).issues
