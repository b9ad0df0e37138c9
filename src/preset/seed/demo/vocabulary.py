"""Names, tags, equipment, palettes and lines of dialogue the demo data is made of."""

from __future__ import annotations

CONTRIBUTOR_ROLES: tuple[str, ...] = ("photographer", "videographer", "art_director")
STYLE_TAGS: tuple[str, ...] = (
    "editorial", "fashion", "portrait", "street", "beauty", "fine_art", "commercial",
    "lifestyle", "documentary", "film", "black_and_white", "studio", "natural_light", "vintage",
    "minimal", "conceptual",
)  # fmt: skip
REVIEW_TAGS: tuple[str, ...] = (
    "professional", "punctual", "creative", "communicative", "prepared", "friendly", "reliable",
    "talented", "collaborative", "experienced",
)  # fmt: skip
EQUIPMENT: tuple[str, ...] = (
    "Sony A7 IV", "Canon EOS R5", "Nikon Z8", "Fujifilm GFX 100S", "Profoto B10",
    "Godox AD600", "85mm f/1.4", "35mm f/1.8", "24-70mm f/2.8", "DJI RS 3 gimbal",
)  # fmt: skip
FIRST_NAMES: tuple[str, ...] = (
    "Aoife", "Ciara", "Niamh", "Saoirse", "Siobhan", "Conor", "Cian", "Darragh", "Oisin",
    "Emma", "Olivia", "Amelia", "Isla", "Oliver", "Harry", "George", "Noah", "Chloé", "Léa",
    "Manon", "Hugo", "Louis", "Jules", "Lena", "Mia", "Hannah", "Felix", "Jonas", "Leon",
    "Inês", "Beatriz", "Tiago", "Duarte", "Lucía", "Martina", "Pau", "Jordi", "Ava", "Maya",
    "Ethan", "Mateo", "Zara", "Yusuf", "Amara", "Kenji", "Priya",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "Murphy", "Kelly", "O'Brien", "Byrne", "Walsh", "Ryan", "Smith", "Jones", "Taylor",
    "Brown", "Wilson", "Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Müller", "Schmidt",
    "Schneider", "Fischer", "Weber", "Silva", "Santos", "Ferreira", "Costa", "García",
    "Martínez", "Puig", "Ferrer", "Johnson", "Williams", "Rodriguez", "Chen", "Okafor",
    "Nakamura", "Patel", "Novak",
)  # fmt: skip
SHOOT_KINDS: tuple[str, ...] = (
    "editorial", "lookbook", "portrait series", "beauty campaign", "streetwear",
    "music video", "product launch", "bridal", "dance film", "album cover",
)  # fmt: skip
SHOOT_MOODS: tuple[str, ...] = (
    "Golden hour", "Moody", "Minimal", "Retro", "Neon night", "Sunlit", "Monochrome",
    "Seaside", "Urban", "Autumn",
)  # fmt: skip
PALETTES: tuple[tuple[str, ...], ...] = (
    ("#1b1b1e", "#373f51", "#58a4b0", "#a9bcd0", "#d8dbe2"),
    ("#f4f1de", "#e07a5f", "#3d405b", "#81b29a", "#f2cc8f"),
    ("#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51"),
    ("#0b090a", "#161a1d", "#660708", "#a4161a", "#e5383b"),
    ("#fefae0", "#dda15e", "#bc6c25", "#606c38", "#283618"),
    ("#edede9", "#d6ccc2", "#f5ebe0", "#e3d5ca", "#d5bdaf"),
)
BLURHASHES: tuple[str, ...] = (
    "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
    "LKO2?U%2Tw=w]~RBVZRi};RPxuwH",
    "L6PZfSi_.AyE_3t7t7R**0o#DgR4",
    "LGF5]+Yk^6#M@-5c,1J5@[or[Q6.",
)
TALENT_LINES: tuple[str, ...] = (
    "Hi! I'd love to be part of this shoot, the concept looks great.",
    "Thanks for considering me. Is there a mood board I can look at?",
    "I'm available on that date. What should I bring?",
    "Do you have a preference for hair and make-up, or is that covered?",
    "Perfect, I'll be there fifteen minutes early.",
    "Thanks again, it was a lovely day. Looking forward to the photos!",
    "Could we push the call time by half an hour?",
    "I have a couple of outfits that would fit this style, happy to bring them.",
)
OWNER_LINES: tuple[str, ...] = (
    "Thanks for applying! Your portfolio fits what we have in mind.",
    "The mood board is attached to the gig, have a look and tell me what you think.",
    "We start at the location at ten; the studio has a changing room.",
    "Hair and make-up are covered, just come with clean skin please.",
    "Great, see you there. Let me know if anything changes.",
    "The first edits are ready, I'll put them in the showcase for your approval.",
    "Half an hour later works fine.",
    "Neutral tones would be ideal, nothing with big logos.",
)
REVIEW_COMMENTS: tuple[str, ...] = (
    "Great energy on set and very easy to work with.",
    "Arrived prepared and brought fantastic ideas.",
    "Clear communication before and after the shoot.",
    "Would happily work together again.",
    "Professional from start to finish, the results speak for themselves.",
    "A bit of a late start, but the session went well.",
)
