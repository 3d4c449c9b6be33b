"""Procedural faces for the demo corpus: identities, emotional expressions, visemes, blinks, head pose.

A face is drawn with anti-aliased OpenCV polygons on a 256x256 canvas in a canonical frame
(face centre at (128, 118), about 120 px wide), then moved by a similarity transform (head pose).
It is drawn to look enough like a photographed face for MediaPipe face detection and Face Mesh to
find it: shaded skin, ears, neck and shoulders, hair, eyes with whites/iris/pupil/lids/lashes,
brows, a nose with shadows and nostrils, two-tone lips with an inner mouth and teeth.

Everything that stays fixed during a clip (background, head, nose, brows of the expression) is
drawn once into a :class:`ClipCanvas`; each frame then only redraws the eyes (blinks) and the mouth
(speech) and applies the pose, which keeps a frame at about a millisecond.

Example:
    >>> from eatbench.datasets.demo.people import EXPRESSIONS, IDENTITIES
    >>> face = ClipCanvas(IDENTITIES["M003"], EXPRESSIONS["happy"])
    >>> face.frame(Mouth(open=0.5), blink=0.0, pose=Pose()).shape
    (256, 256, 3)
"""

from __future__ import annotations

import cv2
import numpy as np

from eatbench.datasets.demo.people import Expression, Identity, Mouth, Pose

SIZE = 256
_SHIFT = 4  # sub-pixel bits for cv2 polygon drawing
_ONE = 1 << _SHIFT
CX, CY = 128.0, 118.0  # canonical face centre


def _poly(img: np.ndarray, pts: np.ndarray, color) -> None:
    """Fill one anti-aliased polygon given float points (N, 2)."""
    cv2.fillPoly(img, [np.round(np.asarray(pts) * _ONE).astype(np.int32)], color, cv2.LINE_AA, _SHIFT)


def _ellipse_pts(cx: float, cy: float, ax: float, ay: float, a0: float = 0, a1: float = 360, n: int = 48):
    t = np.deg2rad(np.linspace(a0, a1, n))
    return np.stack([cx + ax * np.cos(t), cy + ay * np.sin(t)], 1)


def _polyline(img: np.ndarray, pts: np.ndarray, color, thickness: int) -> None:
    cv2.polylines(
        img, [np.round(np.asarray(pts) * _ONE).astype(np.int32)], False, color, thickness, cv2.LINE_AA, _SHIFT
    )


def _bezier(p0, p1, p2, n: int = 16) -> np.ndarray:
    t = np.linspace(0, 1, n)[:, None]
    p0, p1, p2 = (np.asarray(p, float) for p in (p0, p1, p2))
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t**2 * p2


def _shade(c, f: float) -> tuple[int, int, int]:
    return tuple(int(np.clip(v * f, 0, 255)) for v in c)


def _face_outline(idt: Identity) -> np.ndarray:
    """The face contour: a super-ellipse top (forehead) and a jaw that narrows to the chin."""
    t = np.linspace(0, 2 * np.pi, 96, endpoint=False)
    x, y = np.cos(t), np.sin(t)
    lower = y > 0
    # Lower half: blend an ellipse (round jaw) with a squarer power curve, narrowing towards the chin.
    p = 2.0 + 1.2 * idt.jaw
    xs = np.where(lower, np.sign(x) * np.abs(x) ** (2 / p) * (1 - 0.22 * y**2), x)
    ys = np.where(lower, y * 1.18, y * 0.98)
    return np.stack([CX + idt.face_w * xs, CY + 4 + idt.face_h * ys], 1)


class ClipCanvas:
    """The static parts of one clip (identity + expression), drawn once; :meth:`frame` adds the rest."""

    def __init__(self, identity: Identity, expression: Expression) -> None:
        self.idt, self.ex = identity, expression
        self.base = self._draw_static()

    # -- static layers ---------------------------------------------------------------------------

    def _draw_static(self) -> np.ndarray:
        idt, ex = self.idt, self.ex
        # Background: a vertical gradient (studio backdrop).
        top, bottom = np.array(idt.background[0], np.float32), np.array(idt.background[1], np.float32)
        g = np.linspace(0, 1, SIZE, dtype=np.float32)[:, None, None]
        img = np.broadcast_to(top * (1 - g) + bottom * g, (SIZE, SIZE, 3)).astype(np.uint8).copy()

        skin = idt.skin
        fw, fh = idt.face_w, idt.face_h
        # Long hair falls behind the head and shoulders.
        if idt.hair_style in ("long", "bob"):
            depth = 150 if idt.hair_style == "long" else 70
            back = np.concatenate(
                [
                    _ellipse_pts(CX, CY - 8, fw + 16, fh + 14, 180, 360),
                    [[CX + fw + 18, CY + depth], [CX - fw - 18, CY + depth]],
                ]
            )
            _poly(img, back, _shade(idt.hair, 0.8))
        # Shoulders and neck.
        _poly(img, _ellipse_pts(CX, SIZE + 25, 118, 70, 180, 360), idt.shirt)
        neck = np.array(
            [
                [CX - 0.5 * fw, CY + 40],
                [CX + 0.5 * fw, CY + 40],
                [CX + 0.55 * fw, SIZE - 40],
                [CX - 0.55 * fw, SIZE - 40],
            ]
        )
        _poly(img, neck, _shade(skin, 0.78))
        _poly(img, _ellipse_pts(CX, SIZE - 42, 0.58 * fw, 10, 0, 180), idt.shirt)  # collar line
        # Shadow cast by the jaw on the neck.
        _poly(img, _ellipse_pts(CX, CY + fh * 0.95, 0.5 * fw, 12, 0, 180), _shade(skin, 0.62))
        # Ears.
        for s in (-1, 1):
            _poly(img, _ellipse_pts(CX + s * (fw - 2), CY + 2, 9, 16), _shade(skin, 0.88))
            _poly(img, _ellipse_pts(CX + s * (fw + 1), CY + 2, 4, 9), _shade(skin, 0.7))

        # Face with shading: lit from the front-top, darker towards the rim.
        outline = _face_outline(idt)
        mask = np.zeros((SIZE, SIZE), np.uint8)
        _poly(mask, outline, 255)
        yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
        r2 = ((xx - CX) / (fw * 1.05)) ** 2 + ((yy - CY + 10) / (fh * 1.25)) ** 2
        light = np.clip(1.08 - 0.32 * r2, 0.6, 1.1)
        face = np.asarray(skin, np.float32)[None, None] * light[..., None]
        # Cheeks: warm blush (stronger when smiling).
        for s in (-1, 1):
            d2 = ((xx - CX - s * 0.55 * fw) / 16) ** 2 + ((yy - CY - 18 + 6 * ex.cheek) / 12) ** 2
            blush = np.exp(-d2)[..., None] * (0.06 + 0.10 * ex.cheek)
            face = face * (1 - blush) + np.array([235, 110, 110], np.float32) * blush
        # Eye sockets darker; nose sides shadowed.
        for s in (-1, 1):
            d2 = ((xx - CX - s * idt.eye_gap) / 18) ** 2 + ((yy - CY + 16) / 11) ** 2
            face *= 1 - 0.16 * np.exp(-d2)[..., None]
            d2 = ((xx - CX - s * (idt.nose_w * 0.75)) / 5) ** 2 + ((yy - CY - 6) / 16) ** 2
            face *= 1 - 0.18 * np.exp(-d2)[..., None]
        a = cv2.GaussianBlur(mask, (0, 0), 1.2).astype(np.float32)[..., None] / 255
        img = (img * (1 - a) + np.clip(face, 0, 255) * a).astype(np.uint8)

        if idt.beard:
            beard_mask = np.zeros((SIZE, SIZE), np.uint8)
            jaw_pts = outline[outline[:, 1] > CY + 18]
            _poly(beard_mask, np.concatenate([jaw_pts, [[CX + fw * 0.6, CY + 18], [CX - fw * 0.6, CY + 18]]]), 255)
            # keep the lip area clear
            cv2.ellipse(
                beard_mask, (int(CX), int(CY + 44)), (int(idt.mouth_w * 1.25), 11), 0, 0, 360, 0, -1, cv2.LINE_AA
            )
            b = cv2.GaussianBlur(beard_mask, (0, 0), 3.0).astype(np.float32)[..., None] / 255 * 0.4
            img = (img * (1 - b) + np.asarray(idt.hair, np.float32) * b).astype(np.uint8)

        self._draw_hair_front(img, outline)
        self._draw_nose(img)
        self._draw_brows(img)
        return img

    def _draw_hair_front(self, img: np.ndarray, outline: np.ndarray) -> None:
        idt = self.idt
        fw, fh = idt.face_w, idt.face_h
        hair = idt.hair
        style = idt.hair_style
        # A hair cap: the top of an ellipse slightly larger than the head, its lower edge the hairline.
        cap_top = CY - fh - (14 if style == "bun" else 8)
        left = _bezier([CX - fw - 5, CY - 8], [CX - fw - 2, cap_top - 6], [CX, cap_top])
        right = _bezier([CX, cap_top], [CX + fw + 2, cap_top - 6], [CX + fw + 5, CY - 8])
        temple = CY - 0.28 * fh
        if style == "crop":  # a receding, straight hairline
            hairline = _bezier([CX + fw + 3, temple], [CX, CY - 1.05 * fh], [CX - fw - 3, temple])
        elif style == "short":  # parted on one side
            hairline = _bezier([CX + fw + 3, temple], [CX - 0.3 * fw, CY - 1.0 * fh], [CX - fw - 3, temple])
        elif style == "bob":  # a fringe that stops above the brows
            hairline = _bezier([CX + fw + 4, temple - 6], [CX, CY - 1.3 * fh], [CX - fw - 4, temple - 6])
        else:  # long hair / bun: a middle parting sweeping to both sides
            hairline = np.concatenate(
                [
                    _bezier([CX + fw + 4, temple + 10], [CX + 0.5 * fw, CY - 0.8 * fh], [CX + 2, CY - 0.92 * fh], 10),
                    _bezier([CX - 2, CY - 0.92 * fh], [CX - 0.5 * fw, CY - 0.8 * fh], [CX - fw - 4, temple + 10], 10),
                ]
            )
        _poly(img, np.concatenate([left, right, hairline]), hair)
        # Highlights give the hair some volume.
        _polyline(
            img,
            _bezier([CX - 0.6 * fw, cap_top + 10], [CX - 0.1 * fw, cap_top - 2], [CX + 0.5 * fw, cap_top + 8]),
            _shade(hair, 1.5) if max(hair) < 120 else _shade(hair, 1.15),
            2,
        )
        if style == "bun":
            _poly(img, _ellipse_pts(CX, cap_top - 10, 20, 14), _shade(hair, 0.9))

    def _draw_nose(self, img: np.ndarray) -> None:
        idt, ex = self.idt, self.ex
        nw = idt.nose_w
        skin = idt.skin
        tip_y = CY + 18
        # Bridge shadow on one side, nostrils, a highlight on the tip.
        _polyline(img, _bezier([CX - 5, CY - 12], [CX - 7, CY + 4], [CX - nw * 0.7, tip_y]), _shade(skin, 0.72), 2)
        _poly(img, _ellipse_pts(CX, tip_y - 2, nw * 0.55, 7), _shade(skin, 1.06))
        for s in (-1, 1):
            _poly(img, _ellipse_pts(CX + s * nw * 0.72, tip_y + 1, nw * 0.3, 5.5), _shade(skin, 0.88))
            _poly(img, _ellipse_pts(CX + s * nw * 0.35, tip_y + 4, 3.2, 2.0), _shade(skin, 0.35))
        _polyline(img, _bezier([CX - nw, tip_y + 2], [CX, tip_y + 9], [CX + nw, tip_y + 2]), _shade(skin, 0.7), 1)
        if ex.nose_wrinkle > 0:  # AU9: horizontal creases on the bridge and a deep nasolabial fold
            c = _shade(skin, 1 - 0.35 * ex.nose_wrinkle)
            for k in range(3):
                y = CY - 10 + 5 * k
                _polyline(img, _bezier([CX - 8, y + 1], [CX, y - 2], [CX + 8, y + 1]), c, 1)
        # Nasolabial folds, deeper with smiles and disgust.
        depth = 0.9 - 0.2 * max(self.ex.smile, 0) - 0.15 * ex.nose_wrinkle
        for s in (-1, 1):
            _polyline(
                img,
                _bezier(
                    [CX + s * nw * 1.1, tip_y - 2],
                    [CX + s * (nw + 12), tip_y + 14],
                    [CX + s * (idt.mouth_w + 6), CY + 52],
                ),
                _shade(skin, depth),
                1,
            )

    def _brow_points(self, s: int) -> np.ndarray:
        idt, ex = self.idt, self.ex
        y0 = CY - 30 - 10 * ex.brow_raise
        inner = np.array([CX + s * (idt.eye_gap - 13), y0 + 2 - 8 * ex.brow_inner])
        outer = np.array([CX + s * (idt.eye_gap + 18), y0 + 4 + 3 * ex.brow_inner])
        peak = np.array([CX + s * (idt.eye_gap + 5), y0 - 5 - 4 * max(ex.brow_raise, 0) - 2 * ex.brow_inner])
        return _bezier(inner, peak, outer, 12)

    def _draw_brows(self, img: np.ndarray) -> None:
        idt = self.idt
        color = _shade(idt.hair, 0.9) if max(idt.hair) < 150 else _shade(idt.hair, 0.6)
        for s in (-1, 1):
            line = self._brow_points(s)
            # thick at the inner end, thin at the tail
            w = np.linspace(idt.brow_thick, idt.brow_thick * 0.45, len(line))[:, None] * 1.3
            upper, lower = line - [0, 1] * w * 0.5, line + [0, 1] * w * 0.5
            _poly(img, np.concatenate([upper, lower[::-1]]), color)
            if self.ex.brow_inner < -0.3:  # AU4 furrows between the brows
                _polyline(img, [[CX + s * 4, CY - 30], [CX + s * 3, CY - 20]], _shade(idt.skin, 0.7), 1)

    # -- per-frame layers ------------------------------------------------------------------------

    def _draw_eye(self, img: np.ndarray, s: int, blink: float, yaw: float) -> None:
        idt, ex = self.idt, self.ex
        cx, cy = CX + s * idt.eye_gap + 2.5 * yaw, CY - 14
        w = idt.eye_size
        up = 8.5 * ex.eye_open * (1 - blink)  # upper lid height above the eye line
        lo = max(4.5 * (1 - ex.lower_lid * 0.6) * min(ex.eye_open, 1.2) * (1 - blink), 0.0)
        x0, y0, x1, y1 = int(cx - w - 4), int(cy - 14), int(cx + w + 5), int(cy + 10)
        roi = img[y0:y1, x0:x1]
        off = np.array([x0, y0], float)
        inner, outer = np.array([cx - s * w, cy + 1]), np.array([cx + s * w, cy - 1])
        upper = _bezier(inner, [cx, cy - 2 * up], outer)
        lower = _bezier(outer, [cx, cy + 2 * lo], inner)
        opening = np.concatenate([upper, lower]) - off
        if up + lo > 0.6:
            content = roi.copy()
            _poly(content, opening, (238, 236, 230))
            ic = np.array([cx + 1.5 * yaw, cy]) - off
            r = w * 0.58
            cv2.circle(
                content, tuple(np.round(ic * _ONE).astype(int)), int(r * _ONE), self.idt.iris, -1, cv2.LINE_AA, _SHIFT
            )
            cv2.circle(
                content,
                tuple(np.round(ic * _ONE).astype(int)),
                int(r * 0.45 * _ONE),
                (15, 12, 12),
                -1,
                cv2.LINE_AA,
                _SHIFT,
            )
            hl = ic + np.array([-r * 0.3, -r * 0.35])
            cv2.circle(
                content,
                tuple(np.round(hl * _ONE).astype(int)),
                int(1.6 * _ONE),
                (250, 250, 250),
                -1,
                cv2.LINE_AA,
                _SHIFT,
            )
            m = np.zeros(roi.shape[:2], np.uint8)
            _poly(m, opening, 255)
            a = m.astype(np.float32)[..., None] / 255
            # the upper lid casts a shadow on the eyeball
            shadow = np.clip((np.arange(roi.shape[0])[:, None] + y0 - (cy - up)) / 5.0, 0.55, 1)[..., None]
            roi[:] = (roi * (1 - a) + content * shadow * a).astype(np.uint8)
        # Lash line (upper lid) and crease.
        _polyline(roi, upper - off, (25, 18, 15), 2 if not idt.male else 1)
        _polyline(roi, lower - off, _shade(idt.skin, 0.65), 1)
        crease = _bezier(inner + np.array([0, -4]), [cx, cy - 2 * up - 7], outer + np.array([s * 1, -5]))
        _polyline(roi, crease - off, _shade(idt.skin, 0.72), 1)

    def _draw_mouth(self, img: np.ndarray, mouth: Mouth, yaw: float) -> None:
        idt, ex = self.idt, self.ex
        cx, cy = CX + 3.5 * yaw, CY + 44
        open_ = min(1.2, 0.6 * ex.jaw + mouth.open * (1 - 0.4 * ex.press))  # speech opens on top of the jaw drop
        rnd = max(mouth.round, ex.round)
        hw = idt.mouth_w * ex.mouth_width * mouth.width * (1 - 0.35 * rnd) * (1 + 0.08 * max(ex.smile, 0))
        smile = ex.smile
        lift_l = 7 * smile + 10 * ex.smirk  # corner raise (px up) left and right
        lift_r = 7 * smile - 3 * ex.smirk
        corner_l = np.array([cx - hw, cy - lift_l + 2 * open_])
        corner_r = np.array([cx + hw, cy - lift_r + 2 * open_])
        gap = 20 * open_ * (1 + 0.3 * rnd)  # inner lip separation
        ul = 5.0 * (1 - 0.5 * ex.press) + 1.5 * rnd  # lip thickness
        ll = 6.5 * (1 - 0.5 * ex.press) + 1.5 * rnd
        raise_ = 5 * ex.upper_lip
        top_in_y = cy - 0.35 * gap - raise_ - 1.5 * max(smile, 0)
        bot_in_y = cy + 0.65 * gap + 3 * max(smile, 0)
        # Inner lip contours (where the lips meet or part) and outer contours.
        mid_l = corner_l * 0.5 + np.array([cx, cy]) * 0.5
        up_in = np.concatenate(
            [
                _bezier(corner_l, [mid_l[0], top_in_y], [cx, top_in_y], 10),
                _bezier([cx, top_in_y], [cx + hw * 0.5, top_in_y], corner_r, 10)[1:],
            ]
        )
        lo_in = _bezier(corner_r, [cx, 2 * bot_in_y - 0.5 * (corner_l[1] + corner_r[1])], corner_l, 18)
        bow = top_in_y - ul
        up_out = np.concatenate(
            [
                _bezier(corner_l, [cx - hw * 0.55, bow - 2], [cx - hw * 0.18, bow - 1.5], 8),
                [[cx, bow + 1.2]],
                _bezier([cx + hw * 0.18, bow - 1.5], [cx + hw * 0.55, bow - 2], corner_r, 8),
            ]
        )
        lo_out = lo_in + np.array([0, ll])
        lo_out[0], lo_out[-1] = corner_r, corner_l
        x0, y0 = int(cx - hw - 14), int(min(bow, corner_l[1], corner_r[1]) - 12)
        x1, y1 = int(cx + hw + 14), int(lo_out[:, 1].max() + 10)
        roi = img[y0:y1, x0:x1]
        off = np.array([x0, y0], float)
        lip = idt.lips
        _poly(roi, np.concatenate([up_out, up_in[::-1]]) - off, _shade(lip, 0.9))
        _poly(roi, np.concatenate([lo_in, lo_out[::-1]]) - off, lip)
        _polyline(roi, lo_in[4:-4] + np.array([0, ll * 0.45]) - off, _shade(lip, 1.2), 1)  # lower-lip highlight
        if gap + raise_ > 1.0:
            cavity = np.concatenate([up_in, lo_in]) - off
            inner = roi.copy()
            _poly(inner, cavity, (60, 20, 25))
            # tongue low in the mouth, upper teeth under the upper lip
            _poly(inner, _ellipse_pts(cx, bot_in_y - 2, hw * 0.6, max(gap * 0.3, 1)) - off, (170, 75, 80))
            tooth_h = min((gap + raise_) * 0.45, 6.0) * (0.5 + 0.5 * max(ex.teeth, 0.4))
            if tooth_h > 0.5:
                teeth = np.array(
                    [
                        [cx - hw * 0.62, top_in_y - 2],
                        [cx + hw * 0.62, top_in_y - 2],
                        [cx + hw * 0.55, top_in_y + tooth_h],
                        [cx - hw * 0.55, top_in_y + tooth_h],
                    ]
                )
                _poly(inner, teeth - off, (236, 232, 220))
            m = np.zeros(roi.shape[:2], np.uint8)
            _poly(m, cavity, 255)
            a = m.astype(np.float32)[..., None] / 255
            roi[:] = (roi * (1 - a) + inner * a).astype(np.uint8)
        _polyline(roi, up_in - off, _shade(lip, 0.45), 1)  # the dark line where the lips meet

    def frame(self, mouth: Mouth, blink: float, pose: Pose) -> np.ndarray:
        """One frame: eyes and mouth drawn over the static canvas, then the head pose applied.

        Args:
            mouth: the viseme of this frame.
            blink: 0 (open) to 1 (closed).
            pose: head pose; the rotation pivots about the neck.

        Returns:
            (256, 256, 3) uint8 RGB.
        """
        img = self.base.copy()
        for s in (-1, 1):
            self._draw_eye(img, s, float(np.clip(blink, 0, 1)), pose.yaw)
        self._draw_mouth(img, mouth, pose.yaw)
        roll = pose.roll + self.ex.head_tilt
        m = cv2.getRotationMatrix2D((CX, CY + 70), roll, pose.scale)
        m[:, 2] += (pose.dx, pose.dy + self.ex.head_down)
        return cv2.warpAffine(img, m, (SIZE, SIZE), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
