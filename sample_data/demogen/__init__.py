"""The demo data generator: synthetic TikTok creators, their videos and scrapes, plus media.

`sample_data/generate.py` is the command; the modules here hold the personas (`personas`), the
music catalogue (`catalogue`), the video timelines and their counts (`timeline`), the three
real scrape shapes (`shapes`) and the small media files (`media`).
"""
