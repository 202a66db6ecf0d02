"""Write paths of the music app, one module per use case.

Import the module you need (`from music.services import features`); nothing is re-exported, so
importing one use case never drags in another's dependencies (librosa, spotipy).
"""
