; Inno Setup script: per-user install of the one-folder build (no administrator rights needed,
; which suits locked-down law-firm laptops).
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
[Setup]
AppName=evbundle
AppVersion={#AppVersion}
AppPublisher=evbundle developers
DefaultDirName={autopf}\evbundle
PrivilegesRequired=lowest
OutputDir=..\dist
OutputBaseFilename=evbundle-{#AppVersion}-windows-setup
Compression=lzma2
SolidCompression=yes
LicenseFile=..\LICENSE
[Files]
Source: "..\dist\evbundle\*"; DestDir: "{app}"; Flags: recursesubdirs
[Icons]
Name: "{autoprograms}\evbundle"; Filename: "{app}\evbundle.exe"
[Run]
Filename: "{app}\evbundle.exe"; Description: "Start evbundle"; Flags: postinstall nowait skipifsilent
