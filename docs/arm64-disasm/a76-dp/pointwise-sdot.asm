; Assembly listing for method EdgeConv.Kernels.Optimized.PointwiseConvInt8:Tile[EdgeConv.Kernels.Optimized.PointwiseConvInt8+ArmSdot,System.Runtime.Intrinsics.Vector128`1[int],System.Runtime.Intrinsics.Vector128`1[sbyte],sbyte](byref,byref,byref,byref,byref,byref,int,byref,byref) (FullOpts)
; Emitting BLENDED_CODE for generic ARM64 on Unix
; FullOpts code
; optimized code
; fp based frame
; fully interruptible
; No PGO data
; 0 inlinees with PGO data; 30 single block inlinees; 8 inlinees without PGO data

G_M000_IG01:
            stp     fp, lr, [sp, #-0x10]!
            mov     fp, sp
            ldr     x8, [fp, #0x10]
 
G_M000_IG02:
            movi    v16.4s, #0
            movi    v17.4s, #0
            movi    v18.4s, #0
            movi    v19.4s, #0
            movi    v20.4s, #0
            movi    v21.4s, #0
            movi    v22.4s, #0
            movi    v23.4s, #0
            mov     w9, wzr
            sub     w10, w6, #16
            tbnz    w10, #31, G_M000_IG04
            align   [0 bytes for IG03]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG03:
            sxtw    x11, w9
            ldr     q24, [x0, x11]
            ldr     q25, [x1, x11]
            add     x13, x2, x11
            add     x14, x3, x11
            add     x12, x4, x11
            add     x11, x5, x11
            ldr     q26, [x13]
            sdot    v16.4s, v24.16b, v26.16b
            sdot    v20.4s, v25.16b, v26.16b
            ldr     q26, [x14]
            sdot    v17.4s, v24.16b, v26.16b
            sdot    v21.4s, v25.16b, v26.16b
            ldr     q26, [x12]
            sdot    v18.4s, v24.16b, v26.16b
            sdot    v22.4s, v25.16b, v26.16b
            ldr     q26, [x11]
            sdot    v19.4s, v24.16b, v26.16b
            sdot    v23.4s, v25.16b, v26.16b
            add     w9, w9, #16
            cmp     w9, w10
            ble     G_M000_IG03
 
G_M000_IG04:
            mov     w10, #8
            align   [0 bytes for IG05]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG05:
            sub     w11, w6, w10
            cmp     w11, w9
            blt     G_M000_IG07
 
G_M000_IG06:
            sxtw    x11, w9
            movi    v24.4s, #0
            ldr     x13, [x0, x11]
            ins     v24.d[0], x13
            movi    v25.4s, #0
            ldr     x13, [x1, x11]
            ins     v25.d[0], x13
            add     x13, x2, x11
            add     x14, x3, x11
            add     x12, x4, x11
            add     x11, x5, x11
            ldr     q26, [x13]
            sdot    v16.4s, v24.16b, v26.16b
            sdot    v20.4s, v25.16b, v26.16b
            ldr     q26, [x14]
            sdot    v17.4s, v24.16b, v26.16b
            sdot    v21.4s, v25.16b, v26.16b
            ldr     q26, [x12]
            sdot    v18.4s, v24.16b, v26.16b
            sdot    v22.4s, v25.16b, v26.16b
            ldr     q26, [x11]
            sdot    v19.4s, v24.16b, v26.16b
            sdot    v23.4s, v25.16b, v26.16b
            add     w9, w9, w10
 
G_M000_IG07:
            add     w10, w10, w10,  LSR #31
            asr     w10, w10, #1
            cmp     w10, #8
            bge     G_M000_IG05
 
G_M000_IG08:
            addp    v16.4s, v16.4s, v17.4s
            addp    v17.4s, v18.4s, v19.4s
            addp    v16.4s, v16.4s, v17.4s
            str     q16, [x7]
            addp    v16.4s, v20.4s, v21.4s
            addp    v17.4s, v22.4s, v23.4s
            addp    v16.4s, v16.4s, v17.4s
            str     q16, [x8]
            cmp     w9, w6
            beq     G_M000_IG26
 
G_M000_IG09:
            ldr     q16, [x7]
            mov     w10, wzr
            sxtw    w11, w9
            cmp     w9, w6
            bge     G_M000_IG11
            align   [0 bytes for IG10]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG10:
            ldrsb   w13, [x0, w11, SXTW #2]
            ldrsb   w14, [x2, w11, SXTW #2]
            madd    w10, w13, w14, w10
            add     w11, w11, #1
            cmp     w11, w6
            blt     G_M000_IG10
 
G_M000_IG11:
            mov     w11, wzr
            sxtw    w13, w9
            cmp     w9, w6
            bge     G_M000_IG13
            align   [4 bytes for IG12]
            align   [4 bytes]
            align   [4 bytes]
            align   [0 bytes]
 
G_M000_IG12:
            ldrsb   w14, [x0, w13, SXTW #2]
            ldrsb   w12, [x3, w13, SXTW #2]
            madd    w11, w14, w12, w11
            add     w13, w13, #1
            cmp     w13, w6
            blt     G_M000_IG12
 
G_M000_IG13:
            mov     w13, wzr
            sxtw    w14, w9
            cmp     w9, w6
            bge     G_M000_IG15
            align   [0 bytes for IG14]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG14:
            ldrsb   w12, [x0, w14, SXTW #2]
            ldrsb   w15, [x4, w14, SXTW #2]
            madd    w13, w12, w15, w13
            add     w14, w14, #1
            cmp     w14, w6
            blt     G_M000_IG14
 
G_M000_IG15:
            mov     w14, wzr
            sxtw    w12, w9
            cmp     w9, w6
            bge     G_M000_IG17
            align   [4 bytes for IG16]
            align   [4 bytes]
            align   [4 bytes]
            align   [4 bytes]
 
G_M000_IG16:
            ldrsb   w15, [x0, w12, SXTW #2]
            ldrsb   wip0, [x5, w12, SXTW #2]
            madd    w14, w15, wip0, w14
            add     w12, w12, #1
            cmp     w12, w6
            blt     G_M000_IG16
 
G_M000_IG17:
            ins     v17.s[0], w10
            ins     v17.s[1], w11
            ins     v17.s[2], w13
            ins     v17.s[3], w14
            add     v16.4s, v16.4s, v17.4s
            str     q16, [x7]
            ldr     q16, [x8]
            mov     w0, wzr
            sxtw    w7, w9
            cmp     w9, w6
            bge     G_M000_IG19
            align   [0 bytes for IG18]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG18:
            ldrsb   w10, [x1, w7, SXTW #2]
            ldrsb   w11, [x2, w7, SXTW #2]
            madd    w0, w10, w11, w0
            add     w7, w7, #1
            cmp     w7, w6
            blt     G_M000_IG18
 
G_M000_IG19:
            mov     w2, wzr
            sxtw    w7, w9
            cmp     w9, w6
            bge     G_M000_IG21
            align   [0 bytes for IG20]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG20:
            ldrsb   w10, [x1, w7, SXTW #2]
            ldrsb   w11, [x3, w7, SXTW #2]
            madd    w2, w10, w11, w2
            add     w7, w7, #1
            cmp     w7, w6
            blt     G_M000_IG20
 
G_M000_IG21:
            mov     w3, wzr
            sxtw    w7, w9
            cmp     w9, w6
            bge     G_M000_IG23
            align   [4 bytes for IG22]
            align   [4 bytes]
            align   [4 bytes]
            align   [0 bytes]
 
G_M000_IG22:
            ldrsb   w10, [x1, w7, SXTW #2]
            ldrsb   w11, [x4, w7, SXTW #2]
            madd    w3, w10, w11, w3
            add     w7, w7, #1
            cmp     w7, w6
            blt     G_M000_IG22
 
G_M000_IG23:
            mov     w4, wzr
            cmp     w9, w6
            bge     G_M000_IG25
            align   [0 bytes for IG24]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG24:
            ldrsb   w7, [x1, w9, SXTW #2]
            ldrsb   w10, [x5, w9, SXTW #2]
            madd    w4, w7, w10, w4
            add     w9, w9, #1
            cmp     w9, w6
            blt     G_M000_IG24
 
G_M000_IG25:
            ins     v17.s[0], w0
            ins     v17.s[1], w2
            ins     v17.s[2], w3
            ins     v17.s[3], w4
            add     v16.4s, v16.4s, v17.4s
            str     q16, [x8]
 
G_M000_IG26:
            ldp     fp, lr, [sp], #0x10
            ret     lr
 
; Total bytes of code 732
